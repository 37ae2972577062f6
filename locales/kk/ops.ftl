# ops: messages of this feature area (kk)

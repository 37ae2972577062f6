# ops: messages of this feature area (en)

# ops: messages of this feature area (ru)

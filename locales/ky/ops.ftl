# ops: messages of this feature area (ky)

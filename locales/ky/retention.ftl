# retention: messages of this feature area (ky)

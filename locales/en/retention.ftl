# retention: messages of this feature area (en)

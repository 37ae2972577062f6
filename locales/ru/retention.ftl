# retention: messages of this feature area (ru)

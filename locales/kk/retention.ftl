# retention: messages of this feature area (kk)

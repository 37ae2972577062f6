# commission: messages of this feature area (kk)

# commission: messages of this feature area (en)

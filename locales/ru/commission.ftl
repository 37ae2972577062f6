# commission: messages of this feature area (ru)

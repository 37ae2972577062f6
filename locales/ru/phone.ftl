# phone: messages of this feature area (ru)

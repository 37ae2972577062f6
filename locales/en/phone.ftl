# phone: messages of this feature area (en)

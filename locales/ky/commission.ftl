# commission: messages of this feature area (ky)

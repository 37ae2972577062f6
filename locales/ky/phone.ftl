# phone: messages of this feature area (ky)

# security: messages of this feature area (ky)

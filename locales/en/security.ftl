# security: messages of this feature area (en)

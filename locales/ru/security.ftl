# security: messages of this feature area (ru)

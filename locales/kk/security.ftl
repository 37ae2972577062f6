# security: messages of this feature area (kk)

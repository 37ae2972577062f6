# phone: messages of this feature area (kk)

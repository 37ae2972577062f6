# paperbox: messages of this feature area (ky)

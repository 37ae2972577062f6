# paperbox: messages of this feature area (en)

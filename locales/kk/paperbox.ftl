# paperbox: messages of this feature area (kk)

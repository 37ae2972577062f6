# paperbox: messages of this feature area (ru)

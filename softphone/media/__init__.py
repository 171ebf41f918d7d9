"""Device-independent audio: the frame format the engine exchanges, and file/tone endpoints."""

# Replaces pyinstaller-hooks-contrib's sounddevice hook, which copies the build machine's
# libportaudio and with it libjack and libasound. Those must match the JACK server and the ALSA
# configuration of the machine the app runs on, so the frozen build uses that machine's
# libportaudio2 (found by sounddevice at run time), exactly as a pip install does.

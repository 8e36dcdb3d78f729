"""Audio capture: microphone, a second input for the other side, and recorded files, all behind
one small interface (`AudioSource`) that delivers 16 kHz mono int16 blocks tagged with a speaker."""

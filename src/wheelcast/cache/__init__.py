"""Remembered results and replayed answers, reused only while what they depended on is unchanged."""

"""The follow-up report on screen (F6 Uppföljning)."""

"""The daily digest for marketing: aggregate a day, render it, send it once."""

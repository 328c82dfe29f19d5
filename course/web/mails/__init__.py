"""The mails the platform sends, rendered from templates: reminders and digests, hand-in notices."""

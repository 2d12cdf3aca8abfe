"""Webhooks: subscriptions, the event outbox, signing, and deliveries on their own lane."""

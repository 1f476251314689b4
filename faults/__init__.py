"""The fault suite: the whole system under faults, on its own RabbitMQ node and PostgreSQL cluster."""

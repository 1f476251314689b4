"""The raw broker anchor: pika publishing persistent messages with confirms while another connection
consumes and acknowledges them, in a process of its own (pika stays out of eventlet-patched processes).

`python -m bench.pika_anchor AMQP_URI COUNT` prints the messages per second, publish to last ack.
"""

import sys
import threading
import time

import pika

QUEUE = "bench.pika"
BODY = b'{"event_id": "00000000000000000000000000000000", "schema_version": 1}'


def rate(amqp_uri: str, count: int) -> float:
    parameters = pika.URLParameters(amqp_uri)
    publishing = pika.BlockingConnection(parameters)
    channel = publishing.channel()
    channel.queue_declare(QUEUE, durable=True)
    channel.queue_purge(QUEUE)
    channel.confirm_delivery()
    consumed = threading.Event()

    def consume():
        connection = pika.BlockingConnection(parameters)
        consumer = connection.channel()
        consumer.basic_qos(prefetch_count=500)
        seen = 0
        for method, _properties, _body in consumer.consume(QUEUE):
            seen += 1
            if seen % 100 == 0 or seen == count:
                consumer.basic_ack(method.delivery_tag, multiple=True)
            if seen == count:
                break
        consumer.cancel()
        connection.close()
        consumed.set()

    consumer_thread = threading.Thread(target=consume)
    started = time.perf_counter()
    consumer_thread.start()
    persistent = pika.BasicProperties(delivery_mode=2)
    for _ in range(count):
        channel.basic_publish("", QUEUE, BODY, persistent)
    consumed.wait()
    elapsed = time.perf_counter() - started
    channel.queue_delete(QUEUE)
    publishing.close()
    return count / elapsed


if __name__ == "__main__":
    print(f"{rate(sys.argv[1], int(sys.argv[2])):.1f}")

// The demo's MQTT connection (the `mqtt` package, MQTT 3.1.1) to the broker in the `mqtt` pod,
// found by name through the lab's DNS. It reconnects by itself; a publish while it is away is
// queued by the client.
import mqtt from 'mqtt';

export function connectBroker(clientId) {
  const client = mqtt.connect(`mqtt://${process.env.MQTT_HOST}:1883`, { clientId, protocolVersion: 4, keepalive: 30, reconnectPeriod: 2000 });
  client.on('error', (err) => console.error(`${clientId}: mqtt: ${err.message}`));
  return client;
}

/**
 * Built-in authentication and authorization: a password file in the format mosquitto_passwd writes. Threading:
 * instances are immutable after loading; password checks run off the event loops.
 */
package io.starling.mqtt.auth;

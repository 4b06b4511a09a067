/**
 * What users of Starling see: the broker interface, its immutable configuration, messages, and the interfaces an
 * application implements (authenticator, authorizer, listeners). Implementations may be called from broker threads;
 * each interface says which.
 */
package io.starling.mqtt.api;

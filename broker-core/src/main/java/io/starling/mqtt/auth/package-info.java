/**
 * Built-in authentication and authorization: a password file in the format mosquitto_passwd writes, an ACL file in
 * the syntax of Mosquitto's acl_file, and the user name a verified client certificate stands for. Threading: each
 * file-backed class holds one immutable rule set behind a volatile reference, swapped whole by {@code reload()}, so
 * checks on event loops take no lock; password hashes are computed off the event loops.
 */
package io.starling.mqtt.auth;

package io.starling.mqtt.benchmarks;

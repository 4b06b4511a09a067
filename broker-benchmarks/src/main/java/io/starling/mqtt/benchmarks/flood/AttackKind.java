package io.starling.mqtt.benchmarks.flood;

/** What one hostile connection attempt does once its TCP handshake is through. */
public enum AttackKind {
    IDLE("idle", true),
    PARTIAL("partial", true),
    CONNECT("connect", false),
    BARE("bare", false);

    private final String id;
    private final boolean held;

    AttackKind(String id, boolean held) {
        this.id = id;
        this.held = held;
    }

    public String id() {
        return id;
    }

    /** Kept open until the broker closes it or the attack ends (the others close themselves at once). */
    public boolean held() {
        return held;
    }

    static AttackKind byId(String id) {
        for (AttackKind k : values()) {
            if (k.id.equals(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown attack kind '" + id + "'; known: idle, partial, connect, bare");
    }
}

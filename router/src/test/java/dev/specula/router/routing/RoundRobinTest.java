package dev.specula.router.routing;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RoundRobinTest {

    @Test
    void nextOrder_replicaTargets_eachOnceStartingInTurn() {
        RoundRobin replicas = new RoundRobin(List.of("a:1", "b:1", "c:1"));

        assertThat(replicas.nextOrder()).containsExactly("a:1", "b:1", "c:1");
        assertThat(replicas.nextOrder()).containsExactly("b:1", "c:1", "a:1");
    }

    @Test
    void nextOrder_dnsPoolTarget_triedPoolAttemptsTimes() {
        RoundRobin pool = new RoundRobin(List.of("dns:///verifier:50052"));

        assertThat(pool.nextOrder()).hasSize(RoundRobin.POOL_ATTEMPTS).containsOnly("dns:///verifier:50052");
    }

    @Test
    void nextOrder_poolAndReplica_replicaOncePoolRepeatedAfterEveryTarget() {
        RoundRobin mixed = new RoundRobin(List.of("a:1", "dns:///p:1"));

        assertThat(mixed.nextOrder()).containsExactly("a:1", "dns:///p:1", "dns:///p:1", "dns:///p:1");
    }
}

package jwg.cli.interop;

import jwg.cli.interop.Lab.Impl;

/** {@link LifecycleScenarios} with A = jwg and B = wireguard-go. */
class JwgWireguardGoLifecycleIT extends LifecycleScenarios {
    @Override
    Impl implB() {
        return Impl.WIREGUARD_GO;
    }
}

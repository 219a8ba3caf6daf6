package jwg.cli.interop;

import jwg.cli.interop.Lab.Impl;

/** {@link LifecycleScenarios} with jwg on both sides (B, the side that restarts first and roams, is jwg too). */
class JwgJwgLifecycleIT extends LifecycleScenarios {
    @Override
    Impl implB() {
        return Impl.JWG;
    }
}

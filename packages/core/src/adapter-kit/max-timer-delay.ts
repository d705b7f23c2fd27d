/**
 * The longest delay Node.js timers (and socket timeouts) accept: 2³¹−1 ms, about 24.8 days.
 * A longer one fires after 1 ms, so every `…Ms` option and every wait a server asks for is
 * capped here.
 */
export const maxTimerDelayMs = 2_147_483_647

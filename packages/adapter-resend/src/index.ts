/** Placeholder entry; filled by a later issue. */
export {}

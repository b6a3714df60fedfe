// SPDX-License-Identifier: ISC
/*
 * tests/escape: a tiny static image whose names check.py rewrites, byte for
 * byte, into hostile ones (the placeholders have the same length as what
 * replaces them). Built as mahostile_module_placeholder_aaaaaaaaaaaaaa.c so
 * that the DWARF compile unit, the module, carries a placeholder too.
 * fn2 calls fn1 (reachable, in a `why` chain); dead is never called.
 */
int mahostile_fn1_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(int x) { return x * 3 + 1; }
__attribute__((noinline)) int mahostile_fn2_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(int x) { return mahostile_fn1_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(x) + 7; }
__attribute__((noinline)) int mahostile_dead_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(int x) { return x ^ 0x55; }
volatile int sink;
void _start(void)
{
	for (;;)
		sink += mahostile_fn2_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa(sink);
}

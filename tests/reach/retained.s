/*
 * A call graph whose dominator tree is known by construction:
 *   _start -> f, h;  f -> g, h;  g -> k;  dead -> k
 * f dominates g and k (h is also reached from _start), so retained(f) =
 * size(f) + size(g) + size(k); retained(h) = size(h); dead is unreachable.
 */
	.text
	.globl _start
	.type _start, @function
_start:
	call f
	call h
	hlt
	.size _start, .-_start
	.type f, @function
f:
	call g
	call h
	ret
	.size f, .-f
	.type g, @function
g:
	call k
	.fill 40, 1, 0x90
	ret
	.size g, .-g
	.type h, @function
h:
	.fill 24, 1, 0x90
	ret
	.size h, .-h
	.type k, @function
k:
	.fill 72, 1, 0x90
	ret
	.size k, .-k
	.type dead, @function
dead:
	call k
	ret
	.size dead, .-dead

/* A freestanding AArch64 image with a Solo5 hvt ABI note, as aarch64 Solo5 builds are. */
struct abi1_note {
	unsigned int namesz, descsz, type;
	char name[8];
	unsigned int target, version, reserved0, reserved1;
};

__attribute__((section(".note.solo5.abi"), aligned(4), used))
static const struct abi1_note abi = { 6, 16, 0x31494241, "Solo5", 1, 2, 0, 0 };

int counter;

int solo5_app_main(const void *si)
{
	(void)si;
	return counter + 1;
}

void _start(void)
{
	solo5_app_main(0);
	for (;;)
		;
}

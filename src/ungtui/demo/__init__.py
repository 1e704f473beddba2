"""Fictional demo data (`ungtui demo`): people, parties and staff first (fill.fill_demo), then
processes, referrals, the way and meetings."""


def seeded_id(bits: int) -> str:
    """str(uuid.UUID(int=bits, version=4)), the same text without a UUID object: a demo
    of 100,000 people makes some 1,000,000 ids."""
    bits = (bits & ~(0xC000 << 48)) | (0x8000 << 48)  # the variant, as UUID sets it
    bits = (bits & ~(0xF000 << 64)) | (4 << 76)  # the version
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

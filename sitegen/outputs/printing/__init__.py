"""Print outputs: posters for the boards, board packs, banners and leaflets, as PDF."""

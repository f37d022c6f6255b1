"""The photo workers end with layout: post-processing, the memory peak of a long
brochure, does not carry their memory too."""

from __future__ import annotations

from typing import Any

import pikepdf

from dokureport import pipeline
from dokureport.assets.preparer import ImagePreparer
from dokureport.core.options import BuildOptions
from tests.conftest import minimal_event

PHOTOS = ("01.jpg", "02.jpg", "03.jpg")


def test_the_workers_are_stopped_before_post_processing(make_event, tmp_path,
                                                        monkeypatch) -> None:
    seen: list[str] = []
    preparers: list[ImagePreparer] = []
    original_init, original_stop, original_finish = (
        ImagePreparer.__init__, ImagePreparer.stop_workers, pipeline.finish)

    def init(self: ImagePreparer, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        preparers.append(self)

    def stop(self: ImagePreparer) -> None:
        seen.append(f"stop ({'workers' if self._executor is not None else 'none'})")
        original_stop(self)

    def finish(*args: Any, **kwargs: Any) -> None:
        seen.append(f"finish ({'workers' if preparers[-1]._executor else 'none'} left)")
        original_finish(*args, **kwargs)

    monkeypatch.setattr(ImagePreparer, "__init__", init)
    monkeypatch.setattr(ImagePreparer, "stop_workers", stop)
    monkeypatch.setattr(pipeline, "finish", finish)
    items = [{"file": f"photos/{name}", "alt": f"Foto {n}", "caption": f"Bild {n}"}
             for n, name in enumerate(PHOTOS, 1)]
    folder = make_event(minimal_event(photos={"credit": "© Test", "items": items}), PHOTOS)
    out = tmp_path / "brochure.pdf"
    # No cache: every photo is prepared by a worker in this build.
    pipeline.build_brochures(folder, out, BuildOptions(cache_dir=None), ["screen"])
    assert seen == ["stop (workers)", "finish (none left)"]
    # And every photo the workers prepared is in the PDF.
    with pikepdf.open(out) as pdf:
        images = {obj.objgen for page in pdf.pages
                  for obj in page.obj.Resources.get("/XObject", {}).values()
                  if obj.get("/Subtype") == "/Image"}
    assert len(images) >= len(PHOTOS)

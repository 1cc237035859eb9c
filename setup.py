"""Install mmseg_uda, the UDA plugin for MMSegmentation 1.x."""
import os.path as osp
from typing import List

from setuptools import find_packages, setup


def parse_requirements(fname: str) -> List[str]:
    """Read one requirement per line, skipping comments and ``-r`` lines."""
    with open(osp.join(osp.dirname(__file__), fname)) as f:
        lines = [line.strip() for line in f]
    return [
        line for line in lines if line and not line.startswith(('#', '-r'))
    ]


def get_version() -> str:
    scope: dict = {}
    with open(osp.join('mmseg_uda', 'version.py')) as f:
        exec(compile(f.read(), 'mmseg_uda/version.py', 'exec'), scope)
    return scope['__version__']


if __name__ == '__main__':
    setup(
        name='mmseg_uda',
        version=get_version(),
        description='Unsupervised domain adaptation for semantic '
        'segmentation on MMSegmentation 1.x',
        long_description=open('README.md', encoding='utf-8').read(),
        long_description_content_type='text/markdown',
        license='Apache License 2.0',
        packages=find_packages(exclude=('configs', 'tools', 'tests')),
        include_package_data=True,
        python_requires='>=3.8',
        install_requires=parse_requirements('requirements/runtime.txt'),
        extras_require={
            'mim': parse_requirements('requirements/mminstall.txt'),
            'tests': parse_requirements('requirements/tests.txt'),
        },
        zip_safe=False)

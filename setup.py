from setuptools import find_packages, setup

setup(
    name="rum",
    version="0.1.0",
    description="An embeddable admin/CRUD WSGI application for SQLAlchemy models",
    python_requires=">=3.11",
    packages=find_packages(include=["rum", "rum.*", "rum_sqlalchemy", "rum_sqlalchemy.*",
                                    "rum_toscawidgets", "rum_toscawidgets.*", "rum_mongrel2"]),
    package_data={
        "rum": ["templates/*.html", "static/*", "i18n/*/LC_MESSAGES/*.mo", "i18n/*/LC_MESSAGES/*.po"],
        "rum_toscawidgets": ["templates/*.html"],
    },
    install_requires=[
        "setuptools>=76,<82",  # <76: pkg_resources misses tw2_forms-style metadata names
        "WebOb>=1.8",
        "Routes>=2.5",
        "Genshi>=0.7",
        "PasteDeploy>=3",
        "SQLAlchemy>=2.0,<3",
        "tw2.core>=2.3",
        "tw2.forms>=2.2",
        "Babel>=2.12",  # dates, times and numbers in the page's locale
    ],
    extras_require={
        "serve": ["Paste>=3", "PasteScript>=3"],
        "i18n": ["Babel>=2.12"],  # `make i18n`: extract and compile catalogs
        "test": ["pytest", "WebTest", "hypothesis", "schemathesis", "Babel>=2.12", "Paste>=3", "PasteScript>=3", "waitress",
                 "psycopg2-binary", "PyMySQL", "ruff", "mypy"],
        # the host frameworks of examples/ and tests/embedding
        "embed": ["TurboGears2>=2.5", "tgext.tw2", "kajiki", "repoze.who", "pyramid>=2"],
        # the servers of docs/deploying.md and tests/deploy
        "deploy": ["Paste>=3", "PasteScript>=3", "waitress", "gunicorn", "gevent"],
        # `use = egg:rum#mongrel2`: the Mongrel2 handler of docs/deploying.md
        "mongrel2": ["pyzmq>=25"],
    },
    entry_points={
        "paste.app_factory": ["main = rum:make_app"],
        "paste.server_runner": ["mongrel2 = rum_mongrel2.runner:serve"],
        "rum.repositoryfactory": ["sqlalchemy = rum_sqlalchemy:SQLAlchemyRepositoryFactory",
                                  "memory = rum.testing:MemoryRepositoryFactory"],
        "rum.viewfactory": ["toscawidgets = rum_toscawidgets:ToscaWidgetsViewFactory"],
        "rum.policy": ["rules = rum.policy:RulesPolicy"],
    },
)

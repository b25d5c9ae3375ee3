from django.urls import path

from entries import views
from entries.caching import cached_for_readers
from entries.feeds import LatestEntriesFeed, TagFeed

app_name = "entries"
urlpatterns = [
    path("", views.index, name="index"),
    path("entries/<int:pk>-<str:slug>/", views.detail, name="detail"),
    # An entry whose title has no letter or digit, and old links: 301 to the canonical URL.
    path("entries/<int:pk>/", views.detail, name="detail_by_id"),
    path("entries/<int:pk>/edit/", views.edit, name="edit"),
    path("add", views.add, name="add"),
    path("delete/<int:pk>", views.delete, name="delete"),
    path("drafts/", views.drafts, name="drafts"),
    path("login", views.LoginView.as_view(), name="login"),
    path("logout", views.logout, name="logout"),
    path("search/", views.search, name="search"),
    path("tags/", views.tags, name="tags"),
    path("tags/<str:slug>/", views.tag, name="tag"),
    path("tags/<str:slug>/feed/", cached_for_readers()(TagFeed()), name="tag_feed"),
    path("feed/", cached_for_readers()(LatestEntriesFeed()), name="feed"),
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemap-<str:section>.xml", views.sitemap_section, name="sitemap_section"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("healthz", views.healthz, name="healthz"),
]

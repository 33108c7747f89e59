"""The pages in a real browser (headless Chromium): what a first-time user does, with screenshots to look at."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait

from .conftest import DOC, HOSTILE_LABEL, console_errors, screenshot


def wait(driver, seconds: float = 20):
    return WebDriverWait(driver, seconds)


def test_example_query_shows_a_table(browser, site):
    """On /, pressing the first example button runs that competency query and shows its answer as a table whose
    IRIs open their pages on this server."""
    browser.get(site + "/")
    console_errors(browser)
    buttons = wait(browser).until(seen.presence_of_all_elements_located((By.CSS_SELECTOR, "button.example")))
    assert len(buttons) >= 10
    wait(browser).until(lambda d: d.execute_script("return !!window.kgYasgui"))
    screenshot(browser, "front")
    buttons[0].click()
    rows = wait(browser).until(seen.presence_of_all_elements_located(
        (By.CSS_SELECTOR, ".tabPanel.active .yasr table.dataTable tbody tr")))
    assert len(rows) >= 1 and "stability" in rows[0].text
    tab = browser.find_element(By.CSS_SELECTOR, ".tabPanel.active .yasr")
    browser.execute_script("arguments[0].scrollIntoView()", tab)
    screenshot(browser, "query-table")
    assert not console_errors(browser)  # no CSP violation, no script error, nothing fetched from elsewhere
    link = rows[0].find_element(By.CSS_SELECTOR, "a.iri")
    browser.execute_script("arguments[0].click()", link)  # a DOM click: the table clips the link with an ellipsis
    wait(browser).until(seen.url_contains("/resource/"))
    assert browser.current_url.startswith(site + "/resource/")


def test_construct_answer_shows_as_a_graph(browser, site):
    """A CONSTRUCT answer can be shown as a node-link graph whose nodes link to this server's pages."""
    browser.get(site + "/")
    wait(browser).until(lambda d: d.execute_script("return !!window.kgYasgui"))
    browser.execute_script("""
        var tab = window.kgYasgui.addTab(true, {name: 'China, as a graph'});
        tab.getYasqe().setValue('CONSTRUCT { fpr:China ?p ?o } WHERE { fpr:China ?p ?o }');
        tab.query();""")
    graph_button = wait(browser).until(seen.element_to_be_clickable(
        (By.CSS_SELECTOR, ".tabPanel.active .yasr .select_graph")))
    graph_button.click()
    svg = wait(browser).until(seen.presence_of_element_located((By.CSS_SELECTOR, ".tabPanel.active svg.kg-graph")))
    links = svg.find_elements(By.CSS_SELECTOR, "a")
    assert "/resource/China" in [a.get_dom_attribute("href") for a in links]
    browser.execute_script("arguments[0].scrollIntoView()", svg)
    screenshot(browser, "query-graph")
    assert not console_errors(browser)


def test_article_reader_highlights_claims(browser, site):
    """The article page shows the text with claims highlighted; a highlight leads to its claim's page."""
    browser.get(site + f"/article/{DOC}")
    marks = browser.find_elements(By.CSS_SELECTOR, "a.claim")
    assert len(marks) >= 10
    first = marks[0]
    colour = browser.execute_script("return getComputedStyle(arguments[0]).backgroundColor", first)
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")  # the stylesheet loaded and colours the kinds
    screenshot(browser, "article-reader")
    href = first.get_attribute("href")
    first.click()
    wait(browser).until(seen.url_to_be(href))
    assert "/claim/" in browser.current_url
    assert browser.find_elements(By.CSS_SELECTOR, "blockquote a.claim")
    screenshot(browser, "claim-page")
    assert not console_errors(browser)


def test_entity_page_link_leads_to_another_entity(browser, site):
    """China's page lists its properties; following a concern link opens that concern's page on this server."""
    browser.get(site + "/resource/China")
    assert browser.find_element(By.TAG_NAME, "h1").text == "China"
    screenshot(browser, "entity-china")
    link = browser.find_element(By.CSS_SELECTOR, f'a[href="/resource/{DOC}/concern/refugee-crisis"]')
    link.click()
    wait(browser).until(seen.url_contains("/concern/refugee-crisis"))
    assert "refugee" in browser.find_element(By.TAG_NAME, "h1").text
    screenshot(browser, "entity-concern")
    assert not console_errors(browser)


def test_hostile_label_runs_no_script(browser, site):
    """An entity labelled with a script tag shows the tag as text; the script does not run."""
    browser.get(site + "/resource/ScriptTest")
    assert browser.title != "pwned"
    assert browser.find_element(By.TAG_NAME, "h1").text == HOSTILE_LABEL
    assert not browser.find_elements(By.CSS_SELECTOR, "main b")


@pytest.mark.parametrize("path, name", [("/diagram", "diagram"), ("/ontology", "ontology"),
                                        ("/resource/nothing-here", "not-found")])
def test_other_pages_render(browser, site, path, name):
    """The diagram, the ontology documentation and the 404 page render without console errors."""
    browser.get(site + path)
    assert browser.find_element(By.TAG_NAME, "h1").text
    screenshot(browser, name)
    assert [e for e in console_errors(browser) if "status of 404" not in e] == []

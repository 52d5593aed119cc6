/**
 * The delete check every setup list shares (actions, plans, signal rules): the row's `c-audience-setup-delete` is
 * enabled for an admin and asks in the row (checked with sa11y in that state); when it reports `deleted` the section
 * re-reads its list and closes the record's open form. Then it mounts the read-only section and answers its Delete
 * components, for the test to check that every one is disabled.
 */
export async function deleteInRow({
    mount,
    mountReadOnly,
    editSelector,
    rowSelector,
    formSelector,
    recordId,
    refreshApex,
    flush
}) {
    const element = mount();
    await flush();
    const $ = (selector) => element.shadowRoot.querySelector(selector);
    $(editSelector).click();
    await flush();
    const remover = $(`${rowSelector} c-audience-setup-delete`);
    expect(remover.recordId).toBe(recordId);
    expect(remover.disabled).toBe(false);
    remover.shadowRoot.querySelector('[data-action="delete"]').click();
    await flush();
    await expect(element).toBeAccessible();
    remover.dispatchEvent(new CustomEvent('deleted', { detail: { id: recordId } }));
    await flush();
    expect(refreshApex).toHaveBeenCalled();
    expect($(formSelector)).toBeNull();
    element.remove();
    const readOnly = mountReadOnly();
    await flush();
    return [...readOnly.shadowRoot.querySelectorAll('c-audience-setup-delete')];
}
